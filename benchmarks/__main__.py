"""`python -m benchmarks run ...`: see benchmarks.runner."""

from benchmarks.runner import main

raise SystemExit(main())
