# One static library per module of src/, each compiled against an include root that holds only
# the headers of the modules it may use (docs/building.md, "Module layering"). An #include of a
# module below the line is not found by the compiler, so a wrong-direction include fails the
# build instead of waiting for a review.
#
# The include root of module M is <build>/include_roots/M/: for every header of every module M
# may use, a symbolic link <module>/<path>.h -> src/<module>/<path>.h. Nothing else is on M's
# include path (no -I src/), and the quoted-include lookup next to the including file finds
# nothing either, because every include names its module ("storage/storage.h").
#
# tideline_module(<name> [USES <module>...] [HIDE <module>/<header>...] [LIBS <target>...])
#   USES: the modules <name> may include and link; the modules they may use come along (the
#         dependency graph is layered, so a module may use everything below it).
#   HIDE: headers of those modules that <name> may still not include (storage/ must not know
#         ApiError, the client-facing error type: it returns Status).
#   LIBS: external libraries.
# A module without sources (json/) becomes an INTERFACE library.

set(TIDELINE_INCLUDE_ROOTS ${CMAKE_BINARY_DIR}/include_roots)

function(tideline_module name)
  cmake_parse_arguments(M "" "" "USES;HIDE;LIBS" ${ARGN})
  # The closure of USES: what the used modules may use, as recorded when they were declared.
  set(allowed ${name})
  foreach(dep ${M_USES})
    get_property(dep_allowed GLOBAL PROPERTY TIDELINE_ALLOWED_${dep})
    if(NOT dep_allowed)
      message(FATAL_ERROR "tideline_module(${name}): ${dep} must be declared before ${name}")
    endif()
    list(APPEND allowed ${dep_allowed})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY TIDELINE_ALLOWED_${name} ${allowed})

  # The include root, rebuilt at every configure (CONFIGURE_DEPENDS re-runs CMake when a header
  # is added or removed, so the links follow the tree).
  set(root ${TIDELINE_INCLUDE_ROOTS}/${name})
  file(REMOVE_RECURSE ${root})
  foreach(module ${allowed})
    file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}/src
         ${CMAKE_SOURCE_DIR}/src/${module}/*.h)
    foreach(header ${headers})
      if(NOT header IN_LIST M_HIDE)
        get_filename_component(dir ${root}/${header} DIRECTORY)
        file(MAKE_DIRECTORY ${dir})
        file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${header} ${root}/${header} SYMBOLIC)
      endif()
    endforeach()
  endforeach()
  set_property(GLOBAL PROPERTY TIDELINE_ROOT_${name} ${root})

  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cc)
  set(target tideline_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PRIVATE ${root})
    list(REMOVE_ITEM allowed ${name})
    set(deps)
    foreach(dep ${allowed})
      if(TARGET tideline_${dep})
        list(APPEND deps tideline_${dep})
      endif()
    endforeach()
    target_link_libraries(${target} PUBLIC ${deps} ${M_LIBS} tideline_flags)
  else()
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE ${M_LIBS} tideline_flags)
  endif()
  set_property(GLOBAL APPEND PROPERTY TIDELINE_MODULES ${name})
endfunction()
