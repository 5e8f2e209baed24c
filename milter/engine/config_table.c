/* config_table.c - placeholder until written */
