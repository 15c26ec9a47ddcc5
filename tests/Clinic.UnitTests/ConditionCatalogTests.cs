using System.Text;
using Clinic.Modules.Content.Conditions;

namespace Clinic.UnitTests;

public sealed class ConditionCatalogTests
{
    [Fact]
    public void The_shipped_catalogue_has_every_condition_of_the_research_page()
    {
        var catalog = ConditionCatalog.LoadEmbedded();

        Assert.Equal(
            ["depression", "suicidal-ideation", "postpartum-depression", "bipolar-depression", "treatment-resistant-depression",
             "crps", "fibromyalgia", "ocd", "ptsd", "suicide"],
            catalog.All.Select(c => c.Slug));
        Assert.Contains("8%", catalog.Find("ptsd")!.Description[0]);
    }

    [Theory]
    [InlineData("""{"conditions":[]}""", "conditions.json: 'conditions' must list at least one condition.")]
    [InlineData("""{"conditions":[{"slug":"Bad Slug","name":"X"}]}""", "conditions.json: conditions[0].slug must be")]
    [InlineData("""{"conditions":[{"slug":"a","name":"A"},{"slug":"b","name":""}]}""", "conditions.json: conditions[1].name is required.")]
    [InlineData("""{"conditions":[{"slug":"a","name":"A"},{"slug":"a","name":"B"}]}""", "conditions.json: conditions[1].slug 'a' appears twice.")]
    [InlineData("""{"conditions":[{"slug":"a","name":"A","colour":"red"}]}""", "conditions.json: not valid JSON")]
    public void A_broken_data_file_is_rejected_naming_the_file_and_the_field(string json, string expected)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var error = Assert.Throws<InvalidDataException>(() => ConditionCatalog.Parse(stream, "conditions.json"));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
