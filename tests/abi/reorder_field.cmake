# Writes OUT: tether.h (IN) with the first two fields after struct_size of struct
# TYPE swapped, a deliberately incompatible change the ABI check must catch.
file(READ ${IN} text)
string(REGEX MATCH "typedef struct ${TYPE} {\n  size_t struct_size;\n([^\n]*\n)([^\n]*\n)" block
       "${text}")
if(NOT block)
  message(FATAL_ERROR "struct ${TYPE} with two fields after struct_size not found in ${IN}")
endif()
string(REPLACE "${CMAKE_MATCH_1}${CMAKE_MATCH_2}" "${CMAKE_MATCH_2}${CMAKE_MATCH_1}" swapped
               "${block}")
string(REPLACE "${block}" "${swapped}" text "${text}")
file(WRITE ${OUT} "${text}")
