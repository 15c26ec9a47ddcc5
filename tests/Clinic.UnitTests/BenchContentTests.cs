using Clinic.Drills.Bench;

namespace Clinic.UnitTests;

/// <summary>The content command's table: as content-before-after.sh printed it, so docs/benchmarks.md's runs compare.</summary>
public sealed class BenchContentTests
{
    [Fact]
    public void The_rounds_print_as_the_scripts_table_with_medians_and_the_ratio()
    {
        // The script's run on 0578673 recorded in docs/benchmarks.md.
        var table = ContentComparison.Table(
            "96abb34",
            [new(19290, 72), new(29599, 42), new(24683, 53)],
            [new(25096, 53), new(23960, 53), new(23911, 53)]);

        Assert.Equal(
            """
            | Round | before req/s | after req/s | before host CPU µs/request | after host CPU µs/request |
            |--:|--:|--:|--:|--:|
            | 1 | 19290 | 25096 | 72 | 53 |
            | 2 | 29599 | 23960 | 42 | 53 |
            | 3 | 24683 | 23911 | 53 | 53 |
            | median | 24683 | 23960 | 53 | 53 |

            after / before (96abb34): 97 % of the requests/s, 100 % of the CPU per request

            """.ReplaceLineEndings(),
            table);
    }

    [Fact]
    public void An_even_number_of_rounds_has_the_mean_of_the_middle_two_as_its_median()
    {
        Assert.Equal(24683.5, ContentComparison.Median([24683, 19290, 24684, 29599]));
        Assert.Equal(53, ContentComparison.Median([53]));
    }
}
