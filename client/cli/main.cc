#include "hubget/client.h"
int main() { return 0; }
