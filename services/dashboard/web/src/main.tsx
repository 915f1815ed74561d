import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ApiError, isStatus } from "./api/problem";
import { App } from "./app/App";
import "./i18n/i18n";
import { LanguageProvider } from "./i18n/LanguageProvider";
import { meKey } from "./me/queries";
import "./styles.css";

const queryClient: QueryClient = new QueryClient({
  // A page's data refused with 401 means the session ended (logged out elsewhere, expired,
  // or the account deleted): who is signed in is asked again, and the app follows
  // (to log in, or to the page saying the account is deleted).
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (isStatus(error, 401) && query.queryKey[0] !== meKey[0]) void queryClient.invalidateQueries({ queryKey: meKey });
    },
  }),
  defaultOptions: {
    queries: {
      // A problem the runner must act on (4xx) is not retried; an outage is, once.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 1,
      refetchOnWindowFocus: false,
    },
  },
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root to render into.");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LanguageProvider>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </LanguageProvider>
    </QueryClientProvider>
  </StrictMode>,
);
