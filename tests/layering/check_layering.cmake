# CTest module_layering (CMakeLists.txt): compiles the files of this directory against storage/'s
# include root. The allowed one must compile, so that the setup itself is known to work; each
# forbidden one must fail because the header it names is not found.
# Args: -DCXX=<compiler> -DROOT=<include root> -DCASES=<this directory>
function(compile file result_var output_var)
  execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -I${ROOT} ${CASES}/${file}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(${result_var} ${result} PARENT_SCOPE)
  set(${output_var} "${out}" PARENT_SCOPE)
endfunction()

compile(storage_allowed.cc result out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "storage_allowed.cc does not compile against ${ROOT}:\n${out}")
endif()
foreach(case "storage_includes_expr.cc;expr/expressions.h"
             "storage_includes_api_error.cc;common/api_error.h")
  list(GET case 0 file)
  list(GET case 1 header)
  compile(${file} result out)
  if(result EQUAL 0)
    message(FATAL_ERROR "${file} compiled: storage/ can include ${header}")
  endif()
  string(FIND "${out}" "${header}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${file} failed for another reason than ${header}:\n${out}")
  endif()
  message(STATUS "${file}: refused as it should be (${header} not found)")
endforeach()
