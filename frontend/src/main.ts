import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles/main.css'
import App from './App.vue'
import { i18n } from './locales'
import { router } from './router'
import { setApiContext } from './api'
import { useLocaleStore } from './stores/locale'
import { useSessionStore } from './stores/session'
import { liveClient } from './live/state'
import { ticketFetcher } from './live/client'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)

const locale = useLocaleStore()
const session = useSessionStore()
setApiContext({
  locale: () => locale.locale,
  csrfToken: () => session.csrfToken,
  onError: (e, _method, path) => {
    // The session ended elsewhere (expired, password changed on another device): stop
    // showing the user as logged in and let them log in again where they were.
    if (e.status === 401 && session.user && !path.startsWith('/auth/')) {
      session.clear()
      const here = router.currentRoute.value
      if (here.meta.auth) router.push({ name: 'login', query: { redirect: here.fullPath } })
    }
  },
})

// The page's one live connection, authenticated with a ticket fetched before each connect.
liveClient({ ticket: ticketFetcher(() => session.csrfToken) })

app.use(ElementPlus)
app.use(router)
app.mount('#app')
