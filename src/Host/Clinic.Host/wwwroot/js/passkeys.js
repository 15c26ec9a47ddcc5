// Passkeys (WebAuthn). Registration: the form marked data-passkey="registration". Sign-in: the element marked
// data-passkey="sign-in" (a button beside the password or code form). Either way: fetch the options the server made,
// let the browser create or use the passkey, and post its answer. The server (ASP.NET Core Identity) verifies
// everything; this file only carries the ceremony.
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

    const fetchOptions = async (url, fields) => {
        const response = await fetch(url, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(fields),
        });
        if (!response.ok) {
            throw new Error('options ' + response.status);
        }
        return response.json();
    };

    const postForm = (action, fields) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = action;
        form.hidden = true;
        for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.append(input);
        }
        document.body.append(form);
        form.submit();
    };

    const ceremony = (element, run) => {
        const status = element.querySelector('[data-passkey-status]');
        const button = element.querySelector('button');
        if (!supported) {
            button.disabled = true;
            status.textContent = 'This browser cannot use passkeys.';
            return null;
        }
        return async (event) => {
            event.preventDefault();
            button.disabled = true;
            status.textContent = 'Waiting for your passkey…';
            try {
                await run();
                status.textContent = 'Checking your passkey…';
            } catch (error) {
                status.textContent = explain(error);
                button.disabled = false;
            }
        };
    };

    for (const form of document.querySelectorAll('form[data-passkey="registration"]')) {
        const handler = ceremony(form, async () => {
            const options = await fetchOptions(form.dataset.optionsUrl, new FormData(form));
            const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
            form.querySelector('input[name="CredentialJson"]').value = JSON.stringify(credential);
            form.submit();
        });
        if (handler) {
            form.addEventListener('submit', (event) => form.reportValidity() ? handler(event) : event.preventDefault());
        }
    }

    for (const element of document.querySelectorAll('[data-passkey="sign-in"]')) {
        const fields = {
            __RequestVerificationToken: element.dataset.antiforgery,
            SecondStep: element.dataset.secondStep,
        };
        const handler = ceremony(element, async () => {
            const options = await fetchOptions(element.dataset.optionsUrl, fields);
            const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
            postForm(element.dataset.action, {
                ...fields,
                ReturnUrl: element.dataset.returnUrl || '',
                CredentialJson: JSON.stringify(credential),
            });
        });
        if (handler) {
            element.querySelector('button').addEventListener('click', handler);
        }
    }
})();
