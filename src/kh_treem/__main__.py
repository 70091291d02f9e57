"""`python -m kh_treem` (`py -m kh_treem` on Windows): the kh-treem command."""

from kh_treem.cli import main

if __name__ == "__main__":  # a spawned worker imports this module again: it must not run
    main()
