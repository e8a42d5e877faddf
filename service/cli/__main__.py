"""`python -m offduty.service.cli`."""

from offduty.service.cli import main

main()
