import multiprocessing
import sys

multiprocessing.freeze_support()  # the render process of Word templates (app/docs/worker.py)

from app.cli import main  # noqa: E402

sys.exit(main())
