from finfix.entry import main

main()
