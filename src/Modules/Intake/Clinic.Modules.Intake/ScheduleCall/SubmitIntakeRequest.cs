using System.Diagnostics;
using Clinic.Modules.Intake.Domain;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace Clinic.Modules.Intake.ScheduleCall;

internal sealed record SubmittedRequest(Guid RequestId, string Reference);

/// <summary>
/// Stores a validated request as the first event of its own stream. When this returns, the request
/// is committed in PostgreSQL; forwarding to other modules happens from the event store, not from here.
/// </summary>
internal sealed class SubmitIntakeRequest(IDocumentSession session, TimeProvider time)
{
    public const string TermsVersion = "2026-11-draft";
    private const int ReferenceAttempts = 3;

    public async Task<SubmittedRequest> HandleAsync(ScheduleCallForm form, CancellationToken cancellationToken)
    {
        using var activity = IntakeTelemetry.Source.StartActivity("intake.submit");
        for (var attempt = 1; ; attempt++)
        {
            var submitted = new IntakeRequestSubmitted(
                RequestId: Guid.CreateVersion7(),
                Reference: ReferenceNumber.New(),
                FirstName: form.FirstName!.Trim(),
                LastName: form.LastName!.Trim(),
                Email: form.Email!.Trim(),
                Phone: form.Phone!.Trim(),
                PreferredContact: form.PreferredContact!,
                ConditionSlug: form.Condition!,
                BestTimeToCall: form.BestTimeToCall!,
                Message: string.IsNullOrWhiteSpace(form.Message) ? null : form.Message.Trim(),
                TermsVersion: TermsVersion,
                SubmittedAt: time.GetUtcNow());

            // The trace context rides on the event so the forwarder can continue this trace later.
            if (Activity.Current is { } current)
            {
                session.SetHeader(IntakeTelemetry.TraceParentHeader, current.Id!);
            }

            session.Events.StartStream<IntakeRequest>(submitted.RequestId, submitted);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                activity?.SetTag("clinic.request.id", submitted.RequestId);
                return new SubmittedRequest(submitted.RequestId, submitted.Reference);
            }
            catch (MartenCommandException e) when (IsDuplicateReference(e) && attempt < ReferenceAttempts)
            {
                // 50 random bits rarely collide; when they do, draw again rather than fail the visitor.
                session.EjectAllPendingChanges();
            }
        }
    }

    private static bool IsDuplicateReference(Exception e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && pg.ConstraintName?.Contains("reference", StringComparison.OrdinalIgnoreCase) == true;
}
