#!/usr/bin/env python3
"""Generates mirrorctl(8) and its bash completion from `mirrorctl <cmd> --help`, so neither drifts.

Walks every subcommand (recursively, from the "Subcommands:" sections CLI11 prints), parses the
option tables, and writes:
  --man FILE         the man page: packaging/man/mirrorctl.8.in with @COMMANDS@ and @VERSION@ filled
  --man-gz FILE      the same, gzip -9n (reproducible: no name, no mtime), as Debian installs it
  --completion FILE  a bash completion script (subcommands, flags, enum values, file arguments)
  --flags FILE       one line per command: "mirrorctl <path>\t<flag> <flag> ..." (for the tests)
  --gzip IN OUT      also compresses IN to OUT the same way (e.g. changelog.Debian.gz)
"""

import argparse
import dataclasses
import gzip
import os
import re
import subprocess
import sys

# CLI11 pads the option column to this width; a longer spec puts the description on the next line.
OPTION_COLUMN = 30


@dataclasses.dataclass
class Option:
    names: list  # e.g. ["-i", "--interface"]
    value: str  # CLI11's type text without the default, e.g. "TEXT", "UINT:INT in [0 - 63]", ""
    default: str  # e.g. "5", "" when none is shown
    description: str
    group: str  # "Options", "Flow filter", ...

    def choices(self):
        m = re.search(r"\{([^}]*)\}", self.value)
        return m.group(1).split(",") if m else []

    def takes_file(self):
        file_names = {"--read", "--write", "--store", "--stats-json", "--from-json", "--file",
                      "--token-file", "-r", "-w"}
        return "FILE" in self.value or any(n in file_names for n in self.names)


    def takes_interface(self):
        return any(n in ("-i", "--interface", "--tap") for n in self.names)


@dataclasses.dataclass
class Command:
    path: list  # ["session", "create"]; [] for mirrorctl itself
    summary: str
    usage: str
    positionals: list  # Option-like entries (names = [name])
    options: list
    subcommands: list  # [(name, summary)]


def run_help(mirrorctl, path):
    result = subprocess.run([mirrorctl, *path, "--help"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"mirrorctl_docs: `mirrorctl {' '.join(path)} --help` exited {result.returncode}:"
                 f" {result.stderr.strip()}")
    return result.stdout


def split_spec(spec, group):
    """Turns CLI11's left column ("-i,--interface TEXT", "--timeout FLOAT:POSITIVE=5",
    "--enabled,--disabled{false}") into an Option without its description."""
    first, _, rest = spec.partition(" ")
    first = re.sub(r"\{[^}]*\}$", "", first)  # a flag's default, e.g. {false}
    names = [n for n in first.split(",") if n]
    value, default = rest.strip(), ""
    m = re.match(r"^(\S+?)=(\S+)(.*)$", value)
    if m:
        value, default = m.group(1) + m.group(3), m.group(2)
    return Option(names, value, default, "", group)


def parse_help(text, path):
    lines = text.splitlines()
    summary = lines[0].strip() if lines else ""
    usage, section = "", None
    positionals, options, subcommands = [], [], []
    for i, line in enumerate(lines):
        if line.startswith("Usage:"):
            words = line.split()[1:]
            words[0] = "mirrorctl"  # CLI11 prints argv[0] as invoked
            usage = " ".join(words)
            continue
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            section = line.rstrip()[:-1]
            continue
        if not line.startswith("  ") or line.startswith(" " * OPTION_COLUMN) or section is None:
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following.startswith(" " * OPTION_COLUMN) and following.strip():
            spec, description = line.strip(), following.strip()
        else:
            spec, description = line[:OPTION_COLUMN].strip(), line[OPTION_COLUMN:].strip()
        if section == "Subcommands":
            subcommands.append((spec, description))
        elif section == "Positionals":
            entry = split_spec(spec, section)
            entry.description = description
            positionals.append(entry)
        else:
            entry = split_spec(spec, section)
            entry.description = description
            # --help is everywhere (the man page says so once); --version only on the top level.
            if not path or not {"--help", "--version"} & set(entry.names):
                options.append(entry)
    return Command(path, summary, usage, positionals, options, subcommands)


def collect(mirrorctl, path=()):
    command = parse_help(run_help(mirrorctl, list(path)), list(path))
    commands = [command]
    for name, _ in command.subcommands:
        commands += collect(mirrorctl, (*path, name))
    return commands


# ---- man page ------------------------------------------------------------------------------------

def roff(text):
    """Escapes free text for roff: backslashes, and a leading dot or quote."""
    text = text.replace("\\", "\\e")
    return "\\&" + text if text[:1] in (".", "'") else text


def metavar(option):
    """A readable value name for the man page: "a|b" for choices, FILE, N for integers (with the
    range as a sentence), NUMBER for reals, TEXT otherwise."""
    value = option.value.removesuffix(" ...").strip()
    if not value:
        return "", ""
    choices = option.choices()
    m = re.search(r"in \[(\S+) - (\S+)\]", value)
    limits = f" Range {m.group(1)}\\(en{m.group(2)}." if m else ""
    if choices:
        return "|".join(choices), limits
    if option.takes_file():
        return "FILE", limits
    base = value.split(":")[0].split()[0]
    if base in ("UINT", "INT"):
        return "N", limits
    if base == "FLOAT":
        return "NUMBER", limits + (" Positive." if "POSITIVE" in value else "")
    return base, limits


def roff_option(option):
    names = ", ".join("\\fB" + n.replace("-", "\\-") + "\\fR" for n in option.names)
    name, _ = metavar(option)
    if name:
        names += " \\fI" + roff(name).replace("-", "\\-") + "\\fR"
    if option.value.endswith(" ..."):
        names += " ..."
    return names


def sentence(text):
    text = roff(text)
    return text if not text or text[-1] in ".!?" else text + "."


def man_commands(commands):
    out = []
    for command in commands[1:]:
        out.append(".SS " + roff(" ".join(["mirrorctl", *command.path])))
        out.append(roff(command.summary) + ".")
        out.append(".PP")
        out.append(".B Usage:")
        out.append(roff(command.usage).replace("-", "\\-"))
        if command.subcommands:
            out.append(".PP")
            out.append("Subcommands: " + ", ".join(f"\\fB{n}\\fR" for n, _ in command.subcommands)
                       + " (each described below).")
        for p in command.positionals:
            out += [".TP", f"\\fI{roff(p.names[0])}\\fR", sentence(p.description)]
        group = None
        for o in command.options:
            if o.group != group and o.group != "Options":
                out += [".PP", f"\\fI{roff(o.group)}:\\fR"]
            group = o.group
            text = sentence(o.description) + metavar(o)[1]
            if o.value.endswith(" ..."):
                text += " Repeatable."
            if o.default:
                text += f" Default: \\fB{roff(o.default)}\\fR."
            out += [".TP", roff_option(o), text]
    return "\n".join(out)


def write_man(commands, template, version):
    with open(template, encoding="utf-8") as f:
        page = f.read()
    return page.replace("@VERSION@", version).replace("@COMMANDS@", man_commands(commands))


# ---- bash completion -----------------------------------------------------------------------------

COMPLETION_HEAD = """\
# bash completion for mirrorctl(8). Generated from `mirrorctl <command> --help` at build time by
# packaging/mirrorctl_docs.py; do not edit.

# _mirrorctl_spec PATH: sets subs (subcommands) and opts (flags) of the command PATH ("" = top).
_mirrorctl_spec() {
  case $1 in
"""

COMPLETION_MIDDLE = """\
    *) subs="" opts="" ;;
  esac
}

# _mirrorctl_value PATH FLAG: prints what FLAG takes: "@none" for a plain flag, "@file",
# "@iface" (a network interface), "@any", or the list of choices.
_mirrorctl_value() {
  case "$1 $2" in
"""

COMPLETION_TAIL = """\
    *) echo "@none" ;;
  esac
}

_mirrorctl() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  fi
  # Walk the words before the cursor to find the (sub)command being completed.
  local path="" i w subs opts value
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    _mirrorctl_spec "$path"
    if [[ $w != -* && " $subs " == *" $w "* ]]; then
      path=${path:+$path }$w
    fi
  done
  _mirrorctl_spec "$path"
  if [[ $prev == -* ]]; then
    value=$(_mirrorctl_value "$path" "$prev")
    case $value in
      @none) ;;
      @file) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
      @iface) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")); return ;;
      @any) return ;;
      *) COMPREPLY=($(compgen -W "$value" -- "$cur")); return ;;
    esac
  fi
  if [[ $cur == -* || -z $subs ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -F _mirrorctl mirrorctl
"""


def write_completion(commands):
    spec, values = [], []
    for command in commands:
        path = " ".join(command.path)
        flags = [n for o in command.options for n in o.names]
        if "--help" not in flags:
            flags.append("--help")
        subs = " ".join(n for n, _ in command.subcommands)
        spec.append(f'    "{path}") subs="{subs}" opts="{" ".join(flags)}" ;;')
        for o in command.options:
            if not o.value:
                continue
            kind = " ".join(o.choices()) or ("@file" if o.takes_file() else
                                             "@iface" if o.takes_interface() else "@any")
            keys = "|".join(f'"{path} {n}"' for n in o.names)
            values.append(f'    {keys}) echo "{kind}" ;;')
    return COMPLETION_HEAD + "\n".join(spec) + "\n" + COMPLETION_MIDDLE + "\n".join(values) + \
        "\n" + COMPLETION_TAIL


def write_gz(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as raw:
        # filename="" and mtime=0: the same bytes on every build (gzip -9n).
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(data)


def write(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrorctl", required=True)
    parser.add_argument("--template")
    parser.add_argument("--version", default="")
    parser.add_argument("--man")
    parser.add_argument("--man-gz")
    parser.add_argument("--completion")
    parser.add_argument("--flags")
    parser.add_argument("--gzip", nargs=2, action="append", default=[], metavar=("IN", "OUT"))
    args = parser.parse_args()

    commands = collect(args.mirrorctl)
    if args.man or args.man_gz:
        page = write_man(commands, args.template, args.version)
        if args.man:
            write(args.man, page)
        if args.man_gz:
            write_gz(args.man_gz, page.encode("utf-8"))
    if args.completion:
        write(args.completion, write_completion(commands))
    if args.flags:
        write(args.flags, "".join(" ".join(["mirrorctl", *c.path]) + "\t" +
                                  " ".join(n for o in c.options for n in o.names) + "\n"
                                  for c in commands))
    for source, target in args.gzip:
        with open(source, "rb") as f:
            write_gz(target, f.read())


if __name__ == "__main__":
    main()
