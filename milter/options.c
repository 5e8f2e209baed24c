/* options.c - placeholder */
