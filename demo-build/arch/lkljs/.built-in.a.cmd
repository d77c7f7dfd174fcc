cmd_arch/lkljs/built-in.a := rm -f arch/lkljs/built-in.a;  /usr/lib/llvm-14/bin/llvm-ar cDPrST arch/lkljs/built-in.a
