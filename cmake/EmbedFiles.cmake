# Script mode: writes a C++ source that holds the given files' contents, so
# the compiler binary carries its runtime headers and code templates and can
# run from anywhere.
#   cmake -DOUTPUT=f.cpp -DBASE=dir -DFILES="a;b" -P EmbedFiles.cmake
# Each file is stored under its path relative to BASE.
set(content "// Generated at build time by cmake/EmbedFiles.cmake.\n")
string(APPEND content "#include \"support/embedded_files.h\"\n\nnamespace tessel {\n\n")
string(APPEND content "const std::vector<EmbeddedFile> &embeddedFiles() {\n")
string(APPEND content "  static const std::vector<EmbeddedFile> files = {\n")
foreach(file IN LISTS FILES)
  file(RELATIVE_PATH name "${BASE}" "${file}")
  file(READ "${file}" text)
  if(text MATCHES "\\)tessel_embed\"")
    message(FATAL_ERROR "${file} contains the raw-string delimiter")
  endif()
  string(APPEND content "      {\"${name}\", R\"tessel_embed(${text})tessel_embed\"},\n")
endforeach()
string(APPEND content "  };\n  return files;\n}\n\n} // namespace tessel\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
