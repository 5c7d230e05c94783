"""The billing context: billing codes and their confirmation (fees, charges, invoices and
payments come with their issue)."""

from core.services.billing.codes import CodeInput, ConfirmCodes, confirm_codes

__all__ = ["CodeInput", "ConfirmCodes", "confirm_codes"]
