"""`python -m offduty.benchmarks run ...`: see benchmarks.runner."""

from offduty.benchmarks.runner import main

raise SystemExit(main())
