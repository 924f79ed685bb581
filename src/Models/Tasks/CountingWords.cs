namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>The words of the letter-counting task (tasks.WORDS): 266 English words in a fixed order, duplicates
/// dropped where they first repeat, so that <c>choice</c> over them picks the same word as Python does.</summary>
public static class CountingWords
{
    private const string Text =
        "apple banana cherry orange grape lemon melon peach pear plum berry strawberry raspberry blueberry " +
        "tomato potato carrot onion garlic pepper lettuce cabbage pumpkin squash bread butter cheese coffee " +
        "water juice sugar honey cookie pizza pasta salad soup rice noodle dinner lunch breakfast kitchen " +
        "table chair window door floor ceiling garden flower forest river mountain valley ocean island " +
        "desert meadow bridge castle tower village city street market school library museum hospital " +
        "airport station harbor office letter number answer question problem reason balloon mirror " +
        "pencil paper book notebook computer keyboard monitor printer internet program system network " +
        "science history music painting theater cinema camera picture planet rocket galaxy comet " +
        "bottle basket bucket blanket pillow jacket sweater button ribbon needle hammer ladder bicycle " +
        "engine wheel rabbit turtle monkey giraffe elephant kangaroo penguin dolphin parrot sparrow " +
        "falcon eagle tiger lion zebra horse donkey sheep goat chicken kitten puppy spider butterfly " +
        "mosquito beetle summer winter autumn spring morning evening midnight yesterday tomorrow " +
        "holiday birthday mississippi committee bookkeeper balloonist assessment possession " +
        "accommodate necessary occasionally embarrass millennium parallel difference excellent " +
        "beginning believe calendar cemetery conscience definitely environment government grammar " +
        "independent knowledge license maintenance recommend rhythm separate successful tomorrow " +
        "vacuum weird address banana yellow purple silver golden orange violet crimson scarlet " +
        "happy sunny funny jolly quiet gentle simple little middle bubble puzzle giggle apple " +
        "coconut avocado broccoli spinach cucumber zucchini lasagna spaghetti macaroni cinnamon " +
        "vanilla chocolate caramel marshmallow popcorn pretzel cracker waffle pancake muffin " +
        "teacher student doctor farmer driver singer dancer painter writer sailor soldier pilot " +
        "engineer scientist banker lawyer baker butcher plumber carpenter gardener " +
        "alphabet triangle rectangle square circle diagonal fraction decimal percent equation " +
        "addition subtraction multiplication division";
    /// <summary>The words, in tasks.py's order (dict.fromkeys keeps the first of each duplicate).</summary>
    public static IReadOnlyList<string> All { get; } = Distinct(Text.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string[] Distinct(string[] words)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<string>(words.Length);
        foreach (string word in words)
            if (seen.Add(word)) kept.Add(word);
        return [.. kept];
    }
}
