/* glue.c - placeholder */
