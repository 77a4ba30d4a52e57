// Display helpers shared by the project pages.
import type { Currency, LeadStatus, ProjectStatus } from '@/api/briefings'

/** An amount in the currency's units, compact in the UI language (e.g. "¥5亿", "$120M"). */
export function money(amount: number, currency: Currency, locale: string): string {
  if (!amount) return ''
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(amount)
  } catch {
    return `${amount} ${currency}`
  }
}

export const currencies: Currency[] = ['CNY', 'USD', 'EUR', 'JPY', 'HKD', 'GBP']

export const projectStatuses: ProjectStatus[] = ['open', 'negotiating', 'signed']

export const statusTag: Record<ProjectStatus, 'success' | 'warning' | 'info'> = { open: 'success', negotiating: 'warning', signed: 'info' }

/** The leads board's columns, in the order a lead moves through them. */
export const leadStatuses: LeadStatus[] = ['new', 'contacted', 'meeting', 'negotiating', 'signed', 'dropped']

/** Amount ranges of the search filter, in yuan: the server compares each project at its value in yuan. */
export const amountRanges: Record<string, { min?: number; max?: number }> = {
  small: { max: 100_000_000 },
  medium: { min: 100_000_000, max: 1_000_000_000 },
  large: { min: 1_000_000_000 },
}
