cmd_arch/lkljs/mm/built-in.a := rm -f arch/lkljs/mm/built-in.a;  printf "arch/lkljs/mm/%s " init.o | xargs /usr/lib/llvm-14/bin/llvm-ar cDPrST arch/lkljs/mm/built-in.a
