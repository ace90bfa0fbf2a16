"""Name badges as PDF: A4 sheets for pre-printing and single labels for the door."""
