// Temporary entry point while the CLI is being written (replaced in this issue).
int main() { return 0; }
