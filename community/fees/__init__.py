"""Property fees: fee items, bills per unit and period, payments with receipts, arrears, lawful reminders."""
