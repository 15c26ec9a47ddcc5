// Passkeys (WebAuthn) for the forms marked data-passkey="sign-in" or "registration": on submit, fetch the
// options the server made, let the browser create or use the passkey, put its answer in the form and send it.
// The server (ASP.NET Core Identity) verifies everything; this file only carries the ceremony.
(() => {
    'use strict';
    const supported = typeof window.PublicKeyCredential === 'function'
        && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
        && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

    const explain = (error) => {
        if (error && error.name === 'NotAllowedError') {
            return 'The passkey was not used: it was cancelled, or the time ran out. You can try again.';
        }
        if (error && error.name === 'InvalidStateError') {
            return 'This device already holds a passkey for your account.';
        }
        return 'Something went wrong with the passkey. Please try again, or use another way to sign in.';
    };

    for (const form of document.querySelectorAll('form[data-passkey]')) {
        const status = form.querySelector('[data-passkey-status]');
        const button = form.querySelector('button[type="submit"]');
        if (!supported) {
            button.disabled = true;
            status.textContent = 'This browser cannot use passkeys.';
            continue;
        }

        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            if (!form.reportValidity()) {
                return;
            }
            button.disabled = true;
            status.textContent = 'Waiting for your passkey…';
            try {
                const response = await fetch(form.dataset.optionsUrl, {
                    method: 'POST',
                    credentials: 'same-origin',
                    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                    body: new URLSearchParams(new FormData(form)),
                });
                if (!response.ok) {
                    throw new Error('options ' + response.status);
                }
                const options = await response.json();
                const credential = form.dataset.passkey === 'registration'
                    ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
                    : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
                form.querySelector('input[name="CredentialJson"]').value = JSON.stringify(credential);
                status.textContent = 'Checking your passkey…';
                form.submit();
            } catch (error) {
                status.textContent = explain(error);
                button.disabled = false;
            }
        });
    }
})();
