import { useState } from 'preact/hooks';
import { Dashboard } from './dashboard';
import { LoginForm } from './login-form';

/**
 * The page: the login form until a key is accepted, then the dashboard. The key lives in this component's state
 * only (memory): never in storage, a cookie or the URL; signing out or reloading forgets it.
 */
export function App() {
  const [key, setKey] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (key === null) {
    return (
      <LoginForm
        notice={notice}
        onSignedIn={(accepted) => {
          setNotice(null);
          setKey(accepted);
        }}
      />
    );
  }
  return (
    <Dashboard
      apiKey={key}
      onSignOut={() => {
        setNotice(null);
        setKey(null);
      }}
      onUnauthorized={(message) => {
        setNotice(`That key was refused: ${message}`);
        setKey(null);
      }}
    />
  );
}
