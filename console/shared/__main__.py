import sys

from console.shared.cli import main

sys.exit(main())
