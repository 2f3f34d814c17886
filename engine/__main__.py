"""`python -m engine`: the engine on the command line."""
import sys

from engine.cli import main

sys.exit(main())
