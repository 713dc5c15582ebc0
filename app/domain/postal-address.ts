// Postal addresses as records and exports hold them: four optional lines, then a postcode.
export interface AddressFields {
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
}

/** The address lines that are filled in, in order (a record or an export leaves some empty). */
export function addressLines(address: AddressFields): string[] {
  return [address.addressLine1, address.addressLine2, address.addressLine3, address.addressLine4].filter((line): line is string => Boolean(line));
}
