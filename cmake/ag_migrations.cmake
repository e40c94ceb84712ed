# Embeds numbered migration files (NNNN_description.sql) into a generated .cpp that defines
#   const std::vector<anguan::store::Migration>& anguan::store::<dialect>Migrations();
# so the binary carries its schema and `anguan migrate` needs no files on disk.
function(ag_embed_migrations var dialect dir)
  file(GLOB files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT files)
  # Editing a migration's text re-runs the configure step that embeds it.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${files})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated/${dialect}_migrations.cpp)
  set(body "")
  foreach(f ${files})
    get_filename_component(name ${f} NAME_WE)
    string(REGEX MATCH "^[0-9]+" num ${name})
    # As a decimal literal: "0008" would be an (invalid) octal one.
    math(EXPR num "${num}")
    file(READ ${f} sql)
    string(APPEND body "    {${num}, \"${name}\", R\"AGSQL(${sql})AGSQL\"},\n")
  endforeach()
  file(WRITE ${out}.tmp "// Generated from ${dir}; do not edit.\n#include \"common/migration.hpp\"\n\nnamespace anguan::store {\nconst std::vector<Migration>& ${dialect}Migrations() {\n  static const std::vector<Migration> kAll = {\n${body}  };\n  return kAll;\n}\n}  // namespace anguan::store\n")
  configure_file(${out}.tmp ${out} COPYONLY)
  set(${var}_SOURCE ${out} PARENT_SCOPE)
endfunction()
