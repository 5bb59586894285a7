import { useEffect, useRef } from 'preact/hooks';
import type { Runner } from '../types';

/** Props of {@link RemoveDialog}. */
export interface RemoveDialogProps {
  /** The runner to confirm; null closes the dialog. */
  runner: Runner | null;
  onConfirm: (runner: Runner) => void;
  onCancel: () => void;
}

/**
 * "Remove runner X?" in a native modal `<dialog>`: it traps focus, closes on Escape and gives focus back to the
 * button that opened it. Cancel has the focus first, so that Enter does not remove by accident.
 */
export function RemoveDialog({ runner, onConfirm, onCancel }: RemoveDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (runner !== null && !element.open) {
      element.showModal();
      cancel.current?.focus();
    } else if (runner === null && element.open) {
      element.close();
    }
  }, [runner]);

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="remove-title"
      aria-describedby="remove-description"
      onClose={onCancel}
    >
      {runner !== null && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            onConfirm(runner);
          }}
        >
          <h2 id="remove-title">Remove runner {runner.name}?</h2>
          <p id="remove-description">
            Its container is stopped and removed, and its registration deleted from GitHub.
          </p>
          <div class="dialog-actions">
            <button ref={cancel} type="button" class="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" class="button button-danger">
              Remove
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
