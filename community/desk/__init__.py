"""The front desk online: notices with receipts, repair requests and complaints tracked to the return visit,
satisfaction surveys and the service figures that measure the property company against its targets."""
