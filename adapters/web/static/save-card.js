// The save-card page with Stripe: Stripe.js collects the card in its own frame and confirms
// the SetupIntent; only the payment method's id is posted to Hearth.
(function () {
  "use strict";
  var holder = document.getElementById("card-element");
  var form = document.getElementById("save-card");
  if (!holder || !form || typeof Stripe === "undefined") return;
  var stripe = Stripe(holder.dataset.key);
  var card = stripe.elements().create("card");
  card.mount(holder);
  form.addEventListener("submit", function (event) {
    if (document.getElementById("payment_method").value) return;
    event.preventDefault();
    stripe.confirmCardSetup(holder.dataset.secret, { payment_method: { card: card } })
      .then(function (result) {
        if (result.error) {
          holder.setAttribute("aria-invalid", "true");
          document.getElementById("card-error").textContent = result.error.message;
          return;
        }
        document.getElementById("payment_method").value = result.setupIntent.payment_method;
        form.submit();
      });
  });
})();
