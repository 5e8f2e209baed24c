/* log.c - placeholder until written */
