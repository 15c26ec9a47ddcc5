using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Domain = Clinic.Modules.Intake.Domain;
using Integration = Clinic.Modules.Intake.Contracts;

namespace Clinic.Modules.Intake.Forwarding;

/// <summary>
/// The event store is Intake's outbox. Marten's async daemon pushes committed events here in order;
/// each is published to RabbitMQ and awaited (publisher confirms), and only then does Marten record
/// the subscription's progress. A crash in between re-publishes, never loses: consumers are idempotent.
/// Suspected spam is not forwarded: staff are not alerted about it.
/// </summary>
internal sealed class IntakeEventForwarder : SubscriptionBase
{
    public const string SubscriptionName = "intake-forwarder";
    private readonly IBus _bus;

    public IntakeEventForwarder(IBus bus)
    {
        _bus = bus;
        Name = SubscriptionName;
        IncludeType<Domain.IntakeRequestSubmitted>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page,
        ISubscriptionController controller,
        IDocumentOperations operations,
        CancellationToken cancellationToken)
    {
        var submissions = page.Events.Where(e => e.Data is Domain.IntakeRequestSubmitted).ToList();
        if (submissions.Count == 0)
        {
            return NullChangeListener.Instance;
        }

        // Urgency is a later event of the same commit; the inline snapshot already holds it.
        var requests = (await operations.LoadManyAsync<Domain.IntakeRequest>(
                cancellationToken, submissions.Select(e => e.StreamId)))
            .ToDictionary(r => r.Id);

        foreach (var @event in submissions)
        {
            var submitted = (Domain.IntakeRequestSubmitted)@event.Data;
            var isUrgent = requests.TryGetValue(submitted.RequestId, out var request) && request.IsUrgent;
            using var activity = StartForwardActivity(@event);

            // Message ids derive from the event, so a re-publish after a crash is recognisably the same message.
            await _bus.Publish(
                new Integration.IntakeRequestSubmitted(
                    submitted.RequestId, submitted.Reference, submitted.Request.ConditionSlug, isUrgent, submitted.SubmittedAt),
                context => context.MessageId = @event.Id,
                cancellationToken);

            if (submitted.Request.WantsAcknowledgement)
            {
                await _bus.Publish(
                    new Integration.VisitorAcknowledgementRequested(
                        submitted.RequestId, submitted.Reference, submitted.Request.FirstName, submitted.Request.Email, submitted.SubmittedAt),
                    context => context.MessageId = Domain.DeterministicGuid.From("acknowledgement", @event.Id.ToString("N")),
                    cancellationToken);
            }
        }

        return NullChangeListener.Instance;
    }

    private static Activity? StartForwardActivity(IEvent @event)
    {
        ActivityContext parent = default;
        if (@event.Headers?.TryGetValue(IntakeTelemetry.TraceParentHeader, out var traceParent) == true)
        {
            ActivityContext.TryParse(traceParent?.ToString(), null, out parent);
        }

        return IntakeTelemetry.Source.StartActivity("intake.forward", ActivityKind.Producer, parent);
    }
}
