using System.Diagnostics;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

/// <summary>The forwarder's span covers its publishes until the broker has confirmed them.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ForwarderSpanTests(ClinicFixture clinic)
{
    [Fact]
    public async Task The_forward_span_ends_only_once_the_publishes_it_started_are_confirmed()
    {
        var (reference, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Spanner"));

        var submit = await Eventually.GetAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().FirstOrDefault(s =>
                s.OperationName == "intake.submit" && Equals(s.GetTagItem("clinic.request.id"), requestId))),
            $"the intake.submit span of {reference}");
        // A span is exported when it ends.
        var forward = await Eventually.GetAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().FirstOrDefault(s => s.TraceId == submit.TraceId && s.OperationName == "intake.forward")),
            $"the forward span of {reference}");
        var publishes = await Eventually.GetAsync(
            () =>
            {
                var under = clinic.Spans.Snapshot()
                    .Where(s => s.TraceId == submit.TraceId && s.ParentSpanId == forward.SpanId && s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer)
                    .ToList();
                return Task.FromResult(under.Count > 0 ? under : null);
            },
            $"the publishes of {reference} under its forward span");

        var forwardEnded = forward.StartTimeUtc + forward.Duration;
        Assert.All(publishes, p => Assert.True(
            p.StartTimeUtc + p.Duration <= forwardEnded,
            $"{p.DisplayName} ended {(p.StartTimeUtc + p.Duration - forwardEnded).TotalMilliseconds} ms after the forward span"));
    }
}
