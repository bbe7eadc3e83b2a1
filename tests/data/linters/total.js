function total(items) {
  let sum = 0;
  for (const item of items) {
    sum += item.price;
  }
  let label = "total";
  return label + ": " + sum;
}

module.exports = { total };
