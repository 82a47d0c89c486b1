import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState } from './States.js';

/**
 * A page or panel that throws while rendering shows the error state in its place; the navigation and the rest of the
 * shell stay usable. `resetKey` (the page) clears the error when the user goes elsewhere.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null; key: string | undefined }> {
  override state: { error: Error | null; key: string | undefined } = { error: null, key: undefined };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey?: string }, state: { error: Error | null; key: string | undefined }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('tidemark: a view failed to render', error, info.componentStack);
  }

  override render() {
    if (this.state.error) return <ErrorState error={this.state.error} retry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
