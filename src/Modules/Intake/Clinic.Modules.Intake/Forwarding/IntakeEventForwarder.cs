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
        foreach (var @event in page.Events)
        {
            if (@event.Data is Domain.IntakeRequestSubmitted submitted)
            {
                using var activity = StartForwardActivity(@event);
                await _bus.Publish(
                    new Integration.IntakeRequestSubmitted(
                        submitted.RequestId, submitted.Reference, submitted.ConditionSlug, submitted.SubmittedAt),
                    // The event's id makes redelivery recognisable downstream.
                    context => context.MessageId = @event.Id,
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
