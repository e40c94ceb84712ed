// Numbered schema migrations, embedded in the binary at build time from
// src/store/migrations/<dialect>/NNNN_description.sql (cmake/ag_migrations.cmake).
#pragma once

#include <vector>

namespace anguan::store {

struct Migration {
  int number;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& sqliteMigrations();
const std::vector<Migration>& postgresMigrations();

}  // namespace anguan::store
