from finfix.cli import main

main()
