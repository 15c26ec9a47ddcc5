using System.Diagnostics;
using Clinic.Modules.Intake.CrisisLanguage;
using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Privacy;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <param name="Channel">"form" or "api".</param>
/// <param name="IdempotencyKey">The form instance id or the API's Idempotency-Key; null when the caller sent none.</param>
/// <param name="HoneypotTripped">The hidden anti-spam field was filled in.</param>
internal sealed record Submission(ScheduleCallForm Form, string Channel, string? IdempotencyKey, bool HoneypotTripped);

internal enum SubmissionOutcome
{
    /// <summary>Stored now.</summary>
    Accepted,

    /// <summary>The same submission was stored before (a double click, a resubmit, a retried API call).</summary>
    Replayed,

    /// <summary>The idempotency key was used before for different content.</summary>
    KeyReusedForDifferentRequest,
}

internal sealed record SubmissionResult(SubmissionOutcome Outcome, Guid RequestId, string Reference, bool IsUrgent);

/// <summary>
/// Stores a validated request as the first event(s) of its own stream. When this returns Accepted or
/// Replayed, the request is committed in PostgreSQL; forwarding to other modules happens from the
/// event store, not from here.
/// </summary>
internal sealed class SubmitIntakeRequest(
    IIntakeStore store, CrisisLanguageRules crisisRules, ResponsePolicy policy, TimeProvider time, IntakeMetrics metrics, PersonalDataVault personalData)
{
    public const string TermsVersion = "2026-11-draft";
    private const int Attempts = 4;

    public async Task<SubmissionResult> HandleAsync(Submission submission, CancellationToken cancellationToken)
    {
        using var activity = IntakeTelemetry.Source.StartActivity("intake.submit");
        await using var session = store.LightweightSession();
        var request = Normalise(submission.Form);
        var fingerprint = Fingerprint(request, personalData.Keys.Index);
        // Checked for suspected spam too: a person who tripped the honeypot by accident still sees crisis help.
        var crisis = crisisRules.Match(request.Message);
        // The same key always names the same stream, so a repeat collides instead of duplicating.
        var requestId = submission.IdempotencyKey is { } key ? DeterministicGuid.From(submission.Channel, key) : Guid.CreateVersion7();

        for (var attempt = 1; ; attempt++)
        {
            var reference = ReferenceNumber.New();
            var now = time.GetUtcNow();
            // The request's data key joins this commit; the events carry the visitor's details only under it.
            var personal = personalData.Seal(session, requestId, request);
            var events = new List<object>
            {
                submission.HoneypotTripped
                    ? new SuspectedSpamReceived(requestId, reference, null, TermsVersion, submission.Channel, fingerprint, "honeypot field filled", now,
                        request.ConditionSlug, request.WantsAcknowledgement, personal)
                    : new RequestSubmitted(requestId, reference, null, TermsVersion, submission.Channel, fingerprint, now,
                        request.ConditionSlug, request.WantsAcknowledgement, personal),
            };
            if (crisis is not null)
            {
                events.Add(new RequestMarkedUrgent(crisis.RuleSetVersion, crisis.MatchedRules, now));
            }

            // Suspected spam gets no deadlines (staff are not alerted) unless it is urgent, like its alert.
            if (!submission.HoneypotTripped || crisis is not null)
            {
                events.Add(policy.DeadlinesFor(urgent: crisis is not null, now));
            }

            // The trace context rides on the events so the forwarder can continue this trace later.
            if (Activity.Current is { } current)
            {
                session.SetHeader(IntakeTelemetry.TraceParentHeader, current.Id!);
            }

            session.Events.StartStream(requestId, [.. events]);
            try
            {
                await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
                await session.SaveChangesAsync(cancellationToken);
                activity?.SetTag("clinic.request.id", requestId);
                metrics.Submitted(urgent: crisis is not null, spam: submission.HoneypotTripped);
                return new SubmissionResult(SubmissionOutcome.Accepted, requestId, reference, crisis is not null);
            }
            catch (Exception e) when (IsStreamCollision(e) && attempt < Attempts)
            {
                session.EjectAllPendingChanges();
                // From the events, which a replay never touches (it empties and refills the read models).
                var history = await session.Events.FetchStreamAsync(requestId, token: cancellationToken);
                var existing = history.Select(e => Arrival.Of(e.Data)).FirstOrDefault(a => a is not null);
                if (existing?.Fingerprint == fingerprint)
                {
                    activity?.SetTag("clinic.request.id", requestId);
                    return new SubmissionResult(SubmissionOutcome.Replayed, existing.RequestId, existing.Reference, history.Any(e => e.Data is RequestMarkedUrgent));
                }

                if (submission.Channel == "api")
                {
                    return new SubmissionResult(SubmissionOutcome.KeyReusedForDifferentRequest, requestId, existing?.Reference ?? "", false);
                }

                // The same form page sent again with different answers (back, edit, submit): a new request,
                // itself idempotent (a double click on the edited form is still one request).
                requestId = DeterministicGuid.From(submission.Channel, $"{submission.IdempotencyKey}:{fingerprint}");
            }
            catch (MartenCommandException e) when (IsDuplicateReference(e) && attempt < Attempts)
            {
                // 50 random bits rarely collide; when they do, draw again rather than fail the visitor.
                session.EjectAllPendingChanges();
            }
        }
    }

    private static ContactRequest Normalise(ScheduleCallForm form) => new(
        FirstName: form.FirstName!.Trim(),
        LastName: form.LastName!.Trim(),
        Email: form.Email!.Trim(),
        Phone: form.Phone!.Trim(),
        PreferredContact: form.PreferredContact!,
        ConditionSlug: form.Condition!,
        BestTimeToCall: form.BestTimeToCall!,
        Message: string.IsNullOrWhiteSpace(form.Message) ? null : form.Message.Trim(),
        WantsAcknowledgement: form.SendAcknowledgement);

    /// <summary>Keyed (the blind index's key), so the stored fingerprint cannot be checked against guessed details.</summary>
    private static string Fingerprint(ContactRequest request, BlindIndex index)
    {
        var canonical = string.Join('\u001f',
            request.FirstName, request.LastName, request.Email.ToUpperInvariant(), request.Phone,
            request.PreferredContact, request.ConditionSlug, request.BestTimeToCall, request.Message ?? "",
            request.WantsAcknowledgement ? "1" : "0");
        return index.Fingerprint(canonical);
    }

    private static bool IsStreamCollision(Exception e) =>
        e is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException;

    private static bool IsDuplicateReference(Exception e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && pg.ConstraintName?.Contains("reference", StringComparison.OrdinalIgnoreCase) == true;
}
