# libopenvswitch: a system copy found by pkg-config, or else the static library built once per
# build tree from Debian's openvswitch-source tarball. Defines the target `ovse::libopenvswitch`.
include(ExternalProject)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(LIBOPENVSWITCH QUIET IMPORTED_TARGET libopenvswitch)
if(LIBOPENVSWITCH_FOUND)
  message(STATUS "libopenvswitch: system ${LIBOPENVSWITCH_VERSION}")
  add_library(ovse::libopenvswitch ALIAS PkgConfig::LIBOPENVSWITCH)
  # The IDL headers (vswitch-idl.h, ovsdb-idl.h) live next to the public ones.
  target_include_directories(PkgConfig::LIBOPENVSWITCH SYSTEM INTERFACE
                             ${LIBOPENVSWITCH_INCLUDEDIR}/openvswitch)
  return()
endif()

set(OVSE_OVS_TARBALL /usr/src/openvswitch/openvswitch.tar.gz CACHE FILEPATH
    "Open vSwitch source tarball (Debian package openvswitch-source)")
if(NOT EXISTS ${OVSE_OVS_TARBALL})
  message(FATAL_ERROR "libopenvswitch: no pkg-config module and no ${OVSE_OVS_TARBALL}; "
                      "run packaging/setup.sh (installs openvswitch-source)")
endif()
message(STATUS "libopenvswitch: building from ${OVSE_OVS_TARBALL}")

set(ovs_dir ${CMAKE_BINARY_DIR}/_deps/openvswitch)
set(ovs_lib ${ovs_dir}/lib/.libs/libopenvswitch.a)
ExternalProject_Add(libopenvswitch_build
  URL ${OVSE_OVS_TARBALL}
  # Keep the tarball's mtimes, or make thinks configure is stale and wants autotools.
  DOWNLOAD_EXTRACT_TIMESTAMP TRUE
  SOURCE_DIR ${ovs_dir}
  BUILD_IN_SOURCE TRUE
  # OVS is third-party code: build it with its own flags, not ours (no -Werror, no sanitizers).
  CONFIGURE_COMMAND env -u CFLAGS -u CXXFLAGS ./configure --quiet --enable-ssl --disable-shared
                    --with-pic "CFLAGS=-O2 -g0"
  BUILD_COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/build-libopenvswitch.sh
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${ovs_lib}
  LOG_CONFIGURE TRUE
  LOG_BUILD TRUE
  LOG_OUTPUT_ON_FAILURE TRUE)

# Imported targets need their include directories to exist at configure time.
file(MAKE_DIRECTORY ${ovs_dir}/include ${ovs_dir}/lib)
add_library(ovse::libopenvswitch STATIC IMPORTED GLOBAL)
set_target_properties(ovse::libopenvswitch PROPERTIES
  IMPORTED_LOCATION ${ovs_lib}
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${ovs_dir};${ovs_dir}/include;${ovs_dir}/lib"
  INTERFACE_INCLUDE_DIRECTORIES "${ovs_dir};${ovs_dir}/include;${ovs_dir}/lib"
  INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto;atomic;Threads::Threads;rt;m")
add_dependencies(ovse::libopenvswitch libopenvswitch_build)
