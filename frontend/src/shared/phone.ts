// Whether the page is as narrow as a phone, kept current as the window changes.
import { onBeforeUnmount, ref, type Ref } from 'vue'

export const phoneWidth = '(max-width: 767px)'

/** True while the viewport is phone-sized; call from a component's setup. */
export function usePhone(): Ref<boolean> {
  const query = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(phoneWidth) : null
  const phone = ref(query?.matches ?? false)
  const onChange = (e: MediaQueryListEvent) => (phone.value = e.matches)
  query?.addEventListener('change', onChange)
  onBeforeUnmount(() => query?.removeEventListener('change', onChange))
  return phone
}
