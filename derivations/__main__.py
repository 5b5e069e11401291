"""``python -m derivations``: run the ledger (see ``derivations.ledger``)."""

import sys

from derivations.ledger import main

sys.exit(main())
