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

app.use(ElementPlus)
app.use(router)
app.mount('#app')
