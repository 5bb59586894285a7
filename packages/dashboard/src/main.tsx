import { render } from 'preact';
import { App } from './components/app';
import { applyTheme, loadTheme } from './theme';
import './styles/theme.css';
import './styles/base.css';
import './styles/status.css';
import './styles/layout.css';
import './styles/data.css';

applyTheme(loadTheme());
const root = document.getElementById('app');
if (root !== null) {
  root.replaceChildren();
  render(<App />, root);
}
