using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

/// <summary>Every e-mail the clinic sends is machine-made and says so (RFC 3834), so auto-responders do not answer it.</summary>
[Collection(ClinicCollection.Name)]
public sealed class AutomatedMailTests(ClinicFixture clinic)
{
    [Fact]
    public async Task Staff_alerts_and_visitor_acknowledgements_are_marked_auto_generated()
    {
        const string address = "auto.submitted@example.com";
        var (reference, _) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Aurelio", acknowledge: true, email: address));

        var alert = await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress);
        var acknowledgement = await clinic.MailAboutAsync(reference, address);

        Assert.Equal("auto-generated", alert.Message.Headers["Auto-Submitted"]);
        Assert.Equal("auto-generated", acknowledgement.Message.Headers["Auto-Submitted"]);
    }
}
