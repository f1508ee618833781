from narratrace.cli import main

main()
