using Clinic.Modules.Intake.Domain;

namespace Clinic.UnitTests;

public sealed class ReferenceNumberTests
{
    [Fact]
    public void References_are_readable_aloud_and_recognisable()
    {
        for (var i = 0; i < 1000; i++)
        {
            var reference = ReferenceNumber.New();
            Assert.Matches("^KC-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", reference);
            Assert.True(ReferenceNumber.LooksLikeReference(reference));
        }
    }

    [Fact]
    public void References_do_not_repeat_in_practice()
    {
        var references = Enumerable.Range(0, 100_000).Select(_ => ReferenceNumber.New()).ToHashSet();
        Assert.Equal(100_000, references.Count);
    }
}
